(function(){
const D=JSON.parse(document.getElementById('data').textContent);
const $=s=>document.querySelector(s);
const S={q:'',cleaner:-1,rule:-1,flagged:false,failed:false,sort:0,dir:1,page:0};
const C=D.columns;
const N=new Map(D.docs.map((d,i)=>[d,i]));  // a document's place in the manifest: its page is the document page ?n=
function href(d){return D.pages.split('/').map(encodeURIComponent).join('/')+'/'+D.shell+'?n='+N.get(d);}
function keep(d){
 if(S.flagged&&!d[C.flags])return false;
 if(S.failed&&d[C.status]!=='failed')return false;
 if(S.cleaner>=0&&d[C.cleaners].indexOf(S.cleaner)<0)return false;
 if(S.rule>=0&&d[C.rules].indexOf(S.rule)<0)return false;
 if(S.q){const q=S.q;if((d[C.source]+' '+d[C.flags]+' '+d[C.error]).toLowerCase().indexOf(q)<0)return false;}
 return true;}
const KEYS=[C.source,C.language,C.share,C.edits,C.flags,C.status];
function rows(){
 const k=KEYS[S.sort],r=D.docs.filter(keep);
 r.sort((a,b)=>{const x=a[k],y=b[k];return (x<y?-1:x>y?1:(a[C.source]<b[C.source]?-1:1))*S.dir;});
 return r;}
function cell(tr,text,cls){const td=document.createElement('td');td.textContent=text;if(cls)td.className=cls;
 tr.appendChild(td);return td;}
function render(){
 const r=rows(),pages=Math.max(1,Math.ceil(r.length/D.pageSize));
 if(S.page>=pages)S.page=pages-1;
 const body=$('#docs tbody'),frag=document.createDocumentFragment();
 for(const d of r.slice(S.page*D.pageSize,(S.page+1)*D.pageSize)){
  const tr=document.createElement('tr');
  const td=cell(tr,'','name'),a=document.createElement('a');a.href=href(d);a.textContent=d[C.source];td.appendChild(a);
  cell(tr,d[C.language]);
  const idle=d[C.status]==='failed'||d[C.status]==='skipped-empty';
  cell(tr,idle?'':(d[C.share]*100).toFixed(1)+' %','num');
  cell(tr,idle?'':String(d[C.edits]),'num');
  cell(tr,d[C.flags]||d[C.error],d[C.flags]?'flag':'');
  cell(tr,d[C.status],'st-'+d[C.status]);
  frag.appendChild(tr);}
 body.replaceChildren(frag);
 $('#shown').textContent=r.length+' of '+D.docs.length+' documents';
 $('#page').textContent='page '+(S.page+1)+' of '+pages;
 $('#prev').disabled=S.page===0;$('#next').disabled=S.page>=pages-1;
 document.querySelectorAll('#docs th').forEach((th,i)=>{
  if(i===S.sort)th.setAttribute('aria-sort',S.dir>0?'ascending':'descending');else th.removeAttribute('aria-sort');});}
function fill(sel,names){names.forEach((n,i)=>{const o=document.createElement('option');o.value=i;o.textContent=n;
 sel.appendChild(o);});}
fill($('#f-cleaner'),D.cleaners);fill($('#f-rule'),D.rules.map(r=>r[0]+' '+r[1]));
const set=(k,v)=>{S[k]=v;S.page=0;render();};
$('#q').addEventListener('input',e=>set('q',e.target.value.trim().toLowerCase()));
$('#f-cleaner').addEventListener('change',e=>set('cleaner',+e.target.value));
$('#f-rule').addEventListener('change',e=>set('rule',+e.target.value));
$('#f-flagged').addEventListener('change',e=>set('flagged',e.target.checked));
$('#f-failed').addEventListener('change',e=>set('failed',e.target.checked));
$('#prev').addEventListener('click',()=>{S.page--;render();});
$('#next').addEventListener('click',()=>{S.page++;render();});
document.querySelectorAll('#docs th').forEach((th,i)=>th.addEventListener('click',()=>{
 S.dir=S.sort===i?-S.dir:(i===2||i===3?-1:1);S.sort=i;render();}));
document.querySelectorAll('[data-cleaner]').forEach(b=>b.addEventListener('click',()=>{
 $('#f-cleaner').value=b.dataset.cleaner;set('cleaner',+b.dataset.cleaner);$('#documents').scrollIntoView();}));
document.querySelectorAll('[data-rule]').forEach(b=>b.addEventListener('click',()=>{
 $('#f-rule').value=b.dataset.rule;set('rule',+b.dataset.rule);$('#documents').scrollIntoView();}));
render();
})();
