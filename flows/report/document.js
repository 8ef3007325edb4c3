(function(){
const b=document.body,sw=(id,cls)=>{const e=document.getElementById(id);if(e)e.addEventListener('change',
 ()=>b.classList.toggle(cls,e.checked));};
sw('hide-rm','hide-rm');sw('hide-ws','hide-ws');
document.querySelectorAll('input[name=view]').forEach(r=>r.addEventListener('change',()=>{
 document.getElementById('marked').hidden=r.value!=='marked'&&r.checked;
 document.getElementById('clean').hidden=r.value!=='clean'&&r.checked;}));
})();
